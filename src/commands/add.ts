import { constants } from 'node:fs';
import { access, chmod, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { appendTenant, listedIds } from '../lifecycle/tenants-edit.js';
import { formatters } from '../output/index.js';
import { filesystemFailure, renderToDisk } from '../pipeline.js';
import { loadTenantsText, unreadableTenantsFile, type TenantsConfig } from '../tenants/index.js';
import { diagnostic } from '../diagnostics/catalogue.js';
import { LOCK_FILE, LockedError, withRepoLock } from '../tree/lock.js';
import { parseOptions, resolveRoot, UsageError, type Values } from './options.js';
import { addSpec } from './specs.js';
import type { Command, CommandResult } from './types.js';
import { wantsColor } from './types.js';
import { TENANTS_FILE } from '../platform/index.js';
import { codePointName, hiddenChar } from '../diagnostics/characters.js';

const tenantsFile = TENANTS_FILE;

class ReadOnlyError extends Error {}

function failed(diagnostics: Diagnostic[], isTTY: boolean, note: string): CommandResult {
  const text = formatters.text({ diagnostics, summary: { files: 0, objects: 0, tenants: 0 }, rules: [] }, { color: isTTY, toolVersion: '' });
  return { stdout: '', stderr: `${text}\n${note}\n`, exitCode: 2 };
}

/**
 * Replaces the file in one rename, so a crash never leaves half a tenants.yaml.
 * A symlinked tenants.yaml keeps its link (the target is replaced) and the
 * file keeps its permissions.
 */
async function replaceFile(file: string, text: string): Promise<void> {
  const target = await realpath(file);
  const { mode } = await stat(target);
  // A read-only tenants.yaml is a decision not to edit it here; renaming over it (which the
  // directory's permissions allow, and root always may) would ignore that.
  const denied = (mode & 0o222) === 0 || (await access(target, constants.W_OK).then(() => false, () => true));
  if (denied) throw new ReadOnlyError(`${path.basename(file)} is read-only; make it writable to add a tenant`);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp`);
  await writeFile(tmp, text, { mode: mode & 0o7777 });
  await chmod(tmp, mode & 0o7777);
  await rename(tmp, target);
}

export const add: Command = {
  spec: addSpec,
  async run(argv, ctx) {
    const { values } = parseOptions(addSpec, argv);
    const root = resolveRoot(ctx.cwd, values.root);
    try {
      // One lock over the edit and the render: a concurrent render never sees half of an add.
      return await withRepoLock(root, () => addLocked(values, root, wantsColor(ctx)));
    } catch (e) {
      const d = filesystemFailure(e, root);
      if (d) return failed([d], wantsColor(ctx), `tenant "${values['tenant-id']}" was not added: nothing was changed`);
      if (!(e instanceof LockedError)) throw e;
      return failed([diagnostic('render/locked', e.message, { hint: `wait for the other run; if no tenantctl is running, delete ${LOCK_FILE}` })], wantsColor(ctx), `tenant "${values['tenant-id']}" was not added: nothing was changed`);
    }
  },
};

async function addLocked(values: Values<typeof addSpec.options>, root: string, isTTY: boolean): Promise<CommandResult> {
  const id = values['tenant-id'];
  const file = path.join(root, tenantsFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const d = unreadableTenantsFile(tenantsFile, cause, { path: tenantsFile, line: 1, column: 1 });
    return failed([d], isTTY, `tenant "${id}" was not added: nothing was changed`);
  }

  const current = loadTenantsText(text, tenantsFile);
  if (!current.config) return failed(current.diagnostics, isTTY, `${tenantsFile} is invalid as it stands; fix it before adding tenants (nothing was changed)`);
  if (listedIds(text).includes(id)) return alreadyListed(values, root, current.config, isTTY);
  if (!values.name) throw new UsageError('--name is required for a new tenant');
  // A display name is one line of text: a newline or an invisible character is a mistake in the argument, not in tenants.yaml.
  const odd = hiddenChar.exec(values.name);
  if (odd) throw new UsageError(`--name contains ${codePointName(odd[0])} (a line break, control or invisible character); pass the name as one line of visible text`);

  const candidate = appendTenant(text, {
    id,
    name: values.name,
    ...(values.tier !== undefined ? { tier: values.tier } : {}),
    ...(values.cluster !== undefined ? { cluster: values.cluster } : {}),
  });
  // The same checks as any edit of the file: an invalid id fails exactly as validation reports it.
  const next = loadTenantsText(candidate, tenantsFile);
  if (!next.config) {
    const blamed = next.diagnostics.map((d) => blameArgument(d, current.config!.tenants.length));
    return failed(blamed, isTTY, `tenant "${id}" was not added: ${tenantsFile} and rendered/ are unchanged`);
  }

  try {
    await replaceFile(file, candidate);
  } catch (e) {
    if (!(e instanceof ReadOnlyError)) throw e;
    return failed([diagnostic('input/tenants-file', e.message, { file: { path: tenantsFile, line: 1, column: 1 } })], isTTY, `tenant "${id}" was not added: nothing was changed`);
  }
  const r = await renderToDisk({ root, holdsLock: true });
  if (!r.written) {
    await replaceFile(file, text);
    return failed(r.diagnostics, isTTY, `tenant "${id}" was not added: rendering failed, ${tenantsFile} was restored and rendered/ is unchanged`);
  }
  const tenant = next.config.tenants.find((t) => t.id === id)!;
  return {
    stdout: `added tenant "${id}" (namespace ${tenant.namespace}, tier ${tenant.tierName}) to ${tenantsFile}\nrendered ${r.render?.objects ?? 0} objects for ${r.config?.tenants.length ?? 0} tenants into rendered/; review and commit both\n`,
    exitCode: 0,
  };
}

const argumentOf: Record<string, string> = { id: '--tenant-id', name: '--name', tier: '--tier', cluster: '--cluster' };

/**
 * An error in the entry add wrote comes from an argument, not from a line of
 * tenants.yaml the user could open: name the argument instead of that line.
 */
function blameArgument(d: Diagnostic, index: number): Diagnostic {
  const m = new RegExp(`^/tenants/${index}/(\\w+)$`).exec(d.field?.pointer ?? '');
  const arg = m ? argumentOf[m[1]!] : undefined;
  if (!arg) return d;
  const { file: _file, field: _field, ...rest } = d;
  return { ...rest, message: `${arg}: ${d.message}` };
}

/**
 * `add` of a tenant that is already listed: the same request again finishes
 * what an interrupted run started (the render); a different one is refused,
 * saying what differs, because silently keeping the old values would drop it.
 */
async function alreadyListed(values: Values<typeof addSpec.options>, root: string, config: TenantsConfig, isTTY: boolean): Promise<CommandResult> {
  const id = values['tenant-id'];
  const t = config.tenants.find((x) => x.id === id);
  const differs: string[] = [];
  if (t && values.name !== undefined && values.name !== t.name) differs.push(`name is "${t.name}", not "${values.name}"`);
  if (t && values.tier !== undefined && values.tier !== t.tierName) differs.push(`tier is ${t.tierName}, not ${values.tier}`);
  if (t && values.cluster !== undefined && values.cluster !== t.cluster) differs.push(`cluster is ${t.cluster ?? '(default)'}, not ${values.cluster}`);
  if (differs.length > 0) {
    const d = diagnostic('input/tenants-file', `tenant "${id}" already exists with other attributes: ${differs.join('; ')}`, {
      tenant: id,
      hint: `add does not change existing tenants: edit its entry in ${tenantsFile} and run tenantctl render`,
    });
    return failed([d], isTTY, `nothing was changed`);
  }
  const r = await renderToDisk({ root, holdsLock: true });
  if (!r.written) return failed(r.diagnostics, isTTY, `tenant "${id}" is listed but rendered/ could not be brought up to date`);
  const c = r.changes ?? { added: [], changed: [], removed: [] };
  const n = c.added.length + c.changed.length + c.removed.length;
  return {
    stdout: n === 0 ? `tenant "${id}" already exists in ${tenantsFile} and rendered/ is up to date; nothing changed\n` : `tenant "${id}" already exists in ${tenantsFile}; finished rendering it (${c.added.length} added, ${c.changed.length} changed, ${c.removed.length} removed in rendered/)\n`,
    exitCode: 0,
  };
}
