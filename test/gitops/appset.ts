/**
 * What Argo CD's git directory generator would produce from an ApplicationSet
 * over a rendered tree: one parameter set per folder matching a `directories`
 * path glob, then the go template filled in. Only the template forms the
 * bundled ApplicationSet uses are understood; anything else throws.
 */
interface Generated {
  name: string;
  project: string;
  namespace: string;
  path: string;
  server: string;
}

interface AppSet {
  spec: {
    generators: { git: { directories: { path: string }[]; values?: Record<string, string> } }[];
    template: { metadata: { name: string }; spec: { project: string; source: { path: string }; destination: { server: string; namespace: string } } };
  };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);
}

function fill(template: string, params: { path: string; segments: string[]; values: Record<string, string> }): string {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_whole, expr: string) => {
    const index = (e: string) => {
      const m = /^\(?index \.path\.segments (\d+)\)?$/.exec(e.trim());
      if (!m) throw new Error(`unsupported expression: ${e}`);
      return params.segments[Number(m[1])]!;
    };
    if (expr === '.path.path') return params.path;
    const value = /^\.values\.(\w+)$/.exec(expr);
    if (value) return params.values[value[1]!]!;
    const trim = /^trimPrefix "([^"]*)" (.*)$/.exec(expr);
    if (trim) return index(trim[2]!).replace(new RegExp(`^${trim[1]}`), '');
    return index(expr);
  });
}

export function expandApplicationSet(object: unknown, files: Iterable<string>): Generated[] {
  const set = object as AppSet;
  const folders = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  const out: Generated[] = [];
  for (const g of set.spec.generators) {
    for (const d of g.git.directories) {
      const re = globToRegExp(d.path);
      for (const folder of [...folders].filter((f) => re.test(f)).sort()) {
        const params = { path: folder, segments: folder.split('/'), values: g.git.values ?? {} };
        const t = set.spec.template;
        out.push({
          name: fill(t.metadata.name, params),
          project: fill(t.spec.project, params),
          namespace: fill(t.spec.destination.namespace, params),
          path: fill(t.spec.source.path, params),
          server: fill(t.spec.destination.server, params),
        });
      }
    }
  }
  return out;
}
