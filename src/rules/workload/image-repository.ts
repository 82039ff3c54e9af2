import type { Rule } from '../types.js';
import { podTemplateKinds, podTemplateWithContainers } from '../util.js';

type Messages = 'foreign';

/** Whether an image reference names `repository` itself, with a tag or a digest or neither. */
export function fromRepository(image: string, repository: string): boolean {
  return image === repository || image.startsWith(`${repository}:`) || image.startsWith(`${repository}@`);
}

/**
 * Tenant pods run the platform's image only. Anything else is code nobody on
 * the platform built or scanned, pulled with the node's credentials, and the
 * first step of most supply-chain incidents. The cluster's admission policy
 * (templates/cluster/validatingadmissionpolicy-tenant-pods.yaml.ejs) applies
 * the same test to pods created outside Git.
 */
export const imageRepository: Rule<Messages> = {
  meta: {
    local: true,
    id: 'workload/image-repository',
    appliesTo: podTemplateKinds,
    needsTenantsFile: true,
    messages: {
      foreign: 'container {container} image {image} is not from the platform repository {repository}',
    },
  },
  checkManifest(m, ctx) {
    const repository = ctx.platform?.image.repository;
    if (!repository || !ctx.tenantOfNamespace(m.object.metadata?.namespace)) return;
    for (const c of podTemplateWithContainers(m)?.containers ?? []) {
      const image = c.container.image;
      if (image === undefined || fromRepository(image, repository)) continue;
      ctx.report({ manifest: m, messageId: 'foreign', pointer: `${c.pointer}/image`, data: { container: c.container.name, image, repository }, actual: image, expected: `${repository}:<tag>` });
    }
  },
};
