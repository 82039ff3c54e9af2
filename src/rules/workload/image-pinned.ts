import type { Rule } from '../types.js';
import { podTemplateKinds, podTemplateWithContainers } from '../util.js';

type Messages = 'untagged' | 'latest';

/**
 * The tag of an image reference, if any. A colon before the last slash belongs
 * to a registry host (`registry:5000/app`), not to a tag.
 */
export function imageTag(image: string): { digest: boolean; tag?: string } {
  if (/@sha256:[0-9a-f]{64}$/i.test(image)) return { digest: true };
  const name = image.split('@')[0]!;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon < 0 ? { digest: false } : { digest: false, tag: last.slice(colon + 1) };
}

/**
 * `latest` (or no tag, which means latest) changes under a running Deployment:
 * two replicas can run different code, a rollback restores nothing, and the
 * rendered tree no longer says what runs.
 */
export const imagePinned: Rule<Messages> = {
  meta: {
    local: true,
    id: 'workload/image-pinned',
    appliesTo: podTemplateKinds,
    messages: {
      untagged: 'container {container} image {image} has no tag, so it runs whatever `latest` is at pull time',
      latest: 'container {container} image {image} uses the moving tag `latest`',
    },
  },
  checkManifest(m, ctx) {
    for (const c of podTemplateWithContainers(m)?.containers ?? []) {
      const image = c.container.image;
      if (!image) continue;
      const { digest, tag } = imageTag(image);
      if (digest || (tag !== undefined && tag !== 'latest')) continue;
      const messageId = tag === undefined ? 'untagged' : 'latest';
      ctx.report({ manifest: m, messageId, pointer: `${c.pointer}/image`, data: { container: c.container.name, image }, actual: image });
    }
  },
};
