import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pushTo } from '../collections.js';
import { frame, framed, unframe } from '../framing.js';
import { entryFile, KEEP_PER_TENANT, writeCacheFile, writeFailure, type EntryTexts } from './cache-files.js';
import { EntryWriter } from './entry-writer.js';
import { version } from '../version.js';
import { contentDigest, sha256Hex as sha256 } from '../tree/digest.js';
import type { KubeObject, Manifest, ObjectHead } from '../manifest/types.js';
import { decodeSummaries, encodeSummaries, headFrom, parseShape, pathsOf, shapeOf, storedHead, type KeptObject, type KeptObjects, type PlacedObject, type ShapedSummary, type StoredHead, type StoredSummary, type TenantSummary } from './summaries.js';

/**
 * The per-tenant render cache: what a tenant's templates produced, stored under
 * a hash of everything they could see (render.ts computes the key), so a run in
 * which a tenant's inputs did not change replays its files instead of running
 * EJS, parsing its output and emitting it again.
 *
 * Layout: `<dir>/render/<tenant id>/<key>`, at most two entries per tenant (the
 * newest two: a check with --base needs the base's and the head's). What the
 * check's stages found per tenant (FindingsKind) is kept in one file per kind,
 * `<dir>/packs/<kind>/pack`, also with at most two entries per tenant. An entry is
 * written to a temporary name and renamed, so readers see a whole entry or none;
 * an entry that is truncated, damaged or from another format is a miss. The
 * cache only ever costs speed: a folder that cannot be written is reported once
 * and the run goes on without storing anything.
 */

/** Bumped when the entry layout or the key's recipe changes. */
export const CACHE_FORMAT = 5;

const MAGIC = `tenantctl-render-cache ${CACHE_FORMAT}`;
const FINDINGS_MAGIC = `tenantctl-findings-pack ${CACHE_FORMAT}`;
/** One file per kind of findings, for every tenant: `<FINDINGS_FOLDER>/<kind>/<PACK_FILE>`, each in a folder of its own like the summaries. */
const FINDINGS_FOLDER = 'packs';
const PACK_FILE = 'pack';
/**
 * Beside each pack, the entries put since it was last written whole, in
 * chunks appended one per run (`<LOG_MAGIC> <length> <checksum>\n<lines>`):
 * a run that changes a few tenants appends their lines instead of writing
 * every tenant's again (at 10,000 tenants, about 75 MB and a second).
 */
const LOG_FILE = 'log';
const LOG_MAGIC = `tenantctl-findings-log ${CACHE_FORMAT}`;
/** A log that would grow past this share of its pack is folded into the pack instead. */
const LOG_SHARE = 1 / 8;
const SUMMARY_MAGIC = `tenantctl-render-summaries ${CACHE_FORMAT}`;
/** In a folder of its own: writing prunes the folder it writes to down to two files. */
const SUMMARY_FOLDER = 'summaries';
const SUMMARY_FILE = 'render';
/** Entries decoded together by prefetch: well past the size from which V8 allocates a string outside the young generation (128 KiB). */
const PREFETCH_BATCH_BYTES = 1 << 20;
/**
 * Entries a render must store for a thread of their own to pay: a check with
 * an empty cache folder took 70 ms longer with it at 200 tenants, 120 ms less
 * at 1,000 (medians of 3).
 */
const BACKGROUND_PUTS = 512;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** One object of a tenant's render, before the tree-wide duplicate check. */
/** One object of a tenant's render, before the tree-wide duplicate check: where it goes (PlacedObject) and its texts. */
export interface CachedObject extends PlacedObject {
  /** The canonical file text. */
  text: string;
  /** The parsed object as JSON, parsed again only when a stage reads it. */
  json: string;
  /** contentDigest of `text`, once known (textDigest): stored with the entry, so a replayed file is compared with the committed one without hashing it again. */
  digest?: string;
  /** The object's head (headOfObject), when it has one: what stages index the object by without parsing its JSON. */
  head?: ObjectHead;
  /** The manifest this process made of the object (render.ts), shared by every placing of it: a field, since looking up hundreds of thousands of objects in a WeakMap took a cold check of 10,000 tenants about 0.3 s. */
  manifest?: Manifest;
}

/** Kinds whose objects in a tenant's namespace stages read across tenants (keepObjects). */
const CROSS_READ_KINDS = new Set(['Namespace', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

/** The object's contentDigest, computed at most once per object. */
export const textDigest = (o: CachedObject): string => (o.digest ??= contentDigest(o.text));

export interface CachedTenant {
  objects: CachedObject[];
  /** Set when a template read `tenants` (every tenant): the digest of that list, which must match too. */
  tenantsDigest?: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
}

/** What a stage stored about a tenant: schema and local-rule findings, what its admission requests showed, its quota report, what its own network flows showed, what its objects give the network model, or its kept objects (keptObjects); and the RBAC proof, kept whole. Each kind has its own pack. */
const FINDINGS_KINDS = ['findings', 'admission', 'quota', 'flows', 'network', 'rbac', 'objects'] as const;
export type FindingsKind = (typeof FINDINGS_KINDS)[number];

export const defaultCacheDir = (root: string): string => path.join(root, 'node_modules', '.cache', 'tenantctl');

/**
 * Which build of tenantctl this is: the version and the digest of the sources
 * dist/ was compiled from (written by `npm run build`). Without that file (the
 * sources run directly, as in tests) the code folder itself is hashed, so a
 * changed tool never reads an entry another build wrote.
 */
export function toolIdentity(): string {
  const codeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const digestFile = path.join(codeDir, '.source-digest');
  if (existsSync(digestFile)) return `${version}+${readFileSync(digestFile, 'utf8').trim()}`;
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.[cm]?[jt]s$/.test(e.name)) hash.update(`${path.relative(codeDir, p)}\0`).update(readFileSync(p)).update('\0');
    }
  };
  walk(codeDir);
  return `${version}+code:${hash.digest('hex')}`;
}

let identity: string | undefined;

export interface RenderCacheOptions {
  /** Stands for the build (tests use it to play a new version); default toolIdentity(). */
  toolId?: string;
  /**
   * Render entries may be written on a thread of their own (EntryWriter) when
   * a render stores many: the caller then awaits settle() before it ends.
   */
  background?: boolean;
}

export class RenderCache {
  readonly dir: string;
  readonly toolId: string;
  /** Why entries could not be stored, once; the run goes on without storing. */
  problem: string | undefined;
  /** Entries this instance (one run) has replayed or stored, so a second render of the same tenant shares their objects. */
  private readonly replayed = new Map<string, CachedTenant>();
  /** Entries prefetch found missing or unusable: `get` does not look for them again (a first run would try every tenant's twice). */
  private readonly absent = new Set<string>();

  /** The findings packs this run read or changed, by kind. */
  private readonly packs = new Map<FindingsKind, Pack>();

  /** The summaries file as loaded, which tenants this run read or replaced, and whether any changed (see summary()). */
  private summaries: { stored: Map<string, StoredSummary>; used: Set<string>; changed: boolean; shapes: Map<string, ReturnType<typeof parseShape>>; texts: Map<string, string> } | undefined;

  /** False for a run's own memory only (RenderCache.inMemory): nothing is read from or written to disk. */
  readonly persistent: boolean;

  private readonly background: boolean;
  /** The thread writing render entries, while one is (see expectPuts). */
  private writer: EntryWriter | undefined;

  constructor(dir: string, opts: RenderCacheOptions = {}) {
    this.dir = dir;
    this.toolId = opts.toolId ?? (identity ??= toolIdentity());
    this.persistent = dir !== '';
    this.background = opts.background === true;
  }

  /**
   * Says that a render is about to store this many entries: enough of them
   * (a first run, a template change) are written by a thread of their own,
   * if the cache was made with `background`.
   */
  expectPuts(count: number): void {
    if (this.background && this.persistent && this.problem === undefined && this.writer === undefined && count >= BACKGROUND_PUTS) this.writer = EntryWriter.start(MAGIC);
  }

  /** Whether a thread is writing entries (between expectPuts and settle). */
  get writing(): boolean {
    return this.writer !== undefined;
  }

  /** Waits until the entries handed to the writer thread are written; a failure there becomes the cache's problem. */
  async settle(): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) return;
    this.writer = undefined;
    const failure = await writer.finish();
    if (failure !== undefined && this.problem === undefined) this.cannotWrite(failure);
  }

  /**
   * A cache that lives as long as one run, for `--no-cache`: the base of
   * `check --base` then takes the head's render of every tenant whose inputs
   * are the same, instead of rendering and holding it a second time.
   */
  static inMemory(): RenderCache {
    return new RenderCache('', { toolId: 'memory' });
  }

  private folder(tenant: string): string {
    return path.join(this.dir, 'render', tenant);
  }

  get(tenant: string, key: string): CachedTenant | undefined {
    // The base and the head of one run replay most tenants from the same entries: read and decode each once.
    const id = `${tenant}/${key}`;
    const seen = this.replayed.get(id);
    if (seen || !this.persistent || this.absent.has(id)) return seen;
    const entry = decoded(readEntry(path.join(this.folder(tenant), key)), (bytes) => decode(bytes, tenant, key));
    if (entry) this.replayed.set(id, entry);
    return entry;
  }

  /**
   * Reads the entries of many tenants at once, so that `get` then finds them
   * decoded. Their texts, and their JSON, are decoded a batch of tenants at a
   * time into one string each (past V8's large-object size), which the young
   * generation never holds: decoded one by one, every entry (about 30 KB) was
   * copied by the minor collections of a warm check, about a second at 10,000
   * tenants.
   * An entry that is missing or damaged is simply not found, as with `get`.
   */
  prefetch(requests: Iterable<readonly [tenant: string, key: string]>): void {
    if (!this.persistent) return;
    let batch: ({ id: string } & Split)[] = [];
    let bytes = 0;
    const flush = () => {
      const texts = Buffer.concat(batch.map((b) => b.texts)).toString('utf8');
      const jsons = Buffer.concat(batch.map((b) => b.jsons)).toString('utf8');
      let at: At = { text: 0, json: 0 };
      for (const b of batch) {
        const entry = objectsFrom(b, texts, jsons, at);
        // The rest of the batch cannot be placed without this entry's lengths: `get` reads them one by one.
        if (!entry) break;
        this.replayed.set(b.id, entry.value);
        at = entry.end;
      }
      batch = [];
      bytes = 0;
    };
    for (const [tenant, key] of requests) {
      const id = `${tenant}/${key}`;
      if (this.replayed.has(id)) continue;
      const body = decoded(readEntry(path.join(this.folder(tenant), key)), (b) => unframe(b, MAGIC));
      const split = body && decoded(body, () => headerOf(body, tenant, key));
      if (!split) {
        this.absent.add(id);
        continue;
      }
      batch.push({ id, ...split });
      bytes += split.texts.length + split.jsons.length;
      if (bytes >= PREFETCH_BATCH_BYTES) flush();
    }
    if (batch.length) flush();
  }

  put(tenant: string, key: string, value: CachedTenant): void {
    if (!this.persistent) {
      this.replayed.set(`${tenant}/${key}`, value);
      return;
    }
    // UTF-8 cannot carry a lone surrogate: it would come back as U+FFFD under a valid checksum.
    if (value.objects.some((o) => LONE_SURROGATE.test(o.text) || LONE_SURROGATE.test(o.json) || LONE_SURROGATE.test(o.path))) return;
    // A later render in this run (the base of `check --base`) takes these very objects: one copy of an unchanged tenant, not two.
    this.replayed.set(`${tenant}/${key}`, value);
    if (this.problem !== undefined) return;
    const texts = entryTexts(tenant, key, value);
    if (this.writer?.offer(this.folder(tenant), key, texts)) return;
    this.write(this.folder(tenant), key, () => entryFile(MAGIC, texts));
  }

  /**
   * The findings the tenant-local stages (schema, local rules) made about a
   * tenant's objects, stored under a key the pipeline derives from the render
   * key and everything else those stages read. Undefined for a miss.
   */
  getFindings(tenant: string, key: string, kind: FindingsKind = 'findings'): unknown {
    if (!this.persistent) return undefined;
    const entry = this.pack(kind).entries.get(tenant)?.find((e) => e.key === key);
    if (entry === undefined) return undefined;
    entry.used = true;
    const json = entry.json;
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return undefined;
    }
  }

  /**
   * Stores findings, unless they would not read back exactly as they are
   * (only plain JSON values do). They are written with the other tenants'
   * by saveFindings.
   */
  putFindings(tenant: string, key: string, findings: unknown, kind: FindingsKind = 'findings'): void {
    if (!this.persistent || !plainJson(findings)) return;
    this.putJson(tenant, key, JSON.stringify(findings), kind);
  }

  /** Stores an entry given as JSON that reads back exactly as the value it was made from (JSON.stringify's, of a plain value). */
  private putJson(tenant: string, key: string, json: string, kind: FindingsKind): void {
    if (/[\t\n]/.test(tenant + key)) return;
    const pack = this.pack(kind);
    const was = pack.entries.get(tenant) ?? [];
    if (was[0]?.key === key && was[0].json === json) {
      was[0].used = true;
      return;
    }
    putEntry(pack.entries, tenant, key, json, true);
    pack.puts.push([tenant, key, json]);
  }

  /**
   * The kept objects of a tenant's render at `key` (KeptObject), for a
   * summary of `count` objects; undefined when there are none at that key or
   * they are not what keepObjects stored.
   */
  keptObjects(tenant: string, key: string, count: number): KeptObjects | undefined {
    const stored = this.getFindings(tenant, key, 'objects');
    if (!Array.isArray(stored)) return undefined;
    const kept = new Map<number, KeptObject>();
    for (const k of stored as unknown[]) {
      if (!Array.isArray(k) || k.length !== 4) return undefined;
      const [index, digest, jsonLength, object] = k as unknown[];
      if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= count || kept.has(index as number)) return undefined;
      if (typeof digest !== 'string' || !Number.isSafeInteger(jsonLength) || typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
      kept.set(index as number, { digest, jsonLength: jsonLength as number, object: object as KubeObject });
    }
    return kept;
  }

  /**
   * Keeps, for a check's next run, the objects of a tenant's render at `key`
   * that stages may read across tenants: its Namespace, its RBAC objects, and
   * every object outside its namespace (`namespace`). Stages read other
   * objects of an unchanged tenant rarely, from its entry. Nothing is kept
   * for a tenant with an object whose JSON is not at hand.
   */
  keepObjects(tenant: string, key: string, objects: readonly CachedObject[], namespace: string): void {
    if (!this.persistent) return;
    // Each object's JSON is JSON.stringify's of it (faithfulJson), so it goes into the record as it is, not parsed and written again.
    const kept: string[] = [];
    for (const [i, o] of objects.entries()) {
      if (o.head && o.head.namespace === namespace && !CROSS_READ_KINDS.has(o.head.kind)) continue;
      if (o.json === '') return;
      kept.push(`[${i},${JSON.stringify(textDigest(o))},${o.json.length},${o.json}]`);
    }
    this.putJson(tenant, key, `[${kept.join(',')}]`, 'objects');
  }

  /** Writes what putFindings changed: appended to a pack's log while that stays small, else the pack whole (and its log emptied). */
  saveFindings(): void {
    let saved = false;
    for (const [kind, pack] of this.packs) {
      if (pack.puts.length === 0) continue;
      const folder = path.join(this.dir, FINDINGS_FOLDER, kind);
      // Without a pack there is nothing to append to (a first run writes every tenant's entries): no chunk is made only to be dropped.
      const chunk = pack.packBytes > 0 ? logChunk(pack.puts) : undefined;
      if (chunk && pack.logBytes + chunk.length <= pack.packBytes * LOG_SHARE) {
        this.append(path.join(folder, LOG_FILE), chunk);
        pack.logBytes += chunk.length;
      } else {
        const pieces = textFile(FINDINGS_MAGIC, encodePack(pack.entries));
        this.write(folder, PACK_FILE, () => pieces);
        // The pack holds everything the log did; replaying the log over it again would only repeat puts it has.
        if (this.problem === undefined) rmSync(path.join(folder, LOG_FILE), { force: true });
        pack.packBytes = pieces.reduce((n, p) => n + p.length, 0);
        pack.logBytes = 0;
      }
      pack.puts = [];
      saved = true;
    }
    // The per-tenant folders of every kind that earlier versions kept: never read again.
    if (saved && this.problem === undefined) for (const kind of FINDINGS_KINDS) rmSync(path.join(this.dir, kind), { recursive: true, force: true });
  }

  /**
   * Every tenant's stored findings of one kind, from one file read once per
   * run: at 10,000 tenants, reading 30,000 small files (one per tenant and
   * kind) took about a second of a warm check.
   */
  private pack(kind: FindingsKind): Pack {
    let pack = this.packs.get(kind);
    if (!pack) {
      pack = readPack(path.join(this.dir, FINDINGS_FOLDER, kind));
      this.packs.set(kind, pack);
    }
    return pack;
  }

  /** Why nothing more is stored this run, said once. */
  private cannotWrite(why: string): void {
    this.problem = `cannot write the render cache in ${this.dir} (${why}); rendering goes on without it (--cache-dir DIR to use another folder, --no-cache to use none)`;
  }

  /** Appends to a file; one that cannot be written is reported once, like write. */
  private append(file: string, bytes: Buffer): void {
    if (this.problem !== undefined) return;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, bytes);
    } catch (e) {
      this.cannotWrite(writeFailure(e));
    }
  }

  private loadedSummaries(): NonNullable<RenderCache['summaries']> {
    if (this.summaries) return this.summaries;
    const read = readFramed(path.join(this.dir, SUMMARY_FOLDER, SUMMARY_FILE), SUMMARY_MAGIC, decodeSummaries);
    return (this.summaries = { stored: read ?? new Map(), used: new Set(), changed: false, shapes: new Map(), texts: new Map() });
  }

  /**
   * What tenant's render at `key` placed, without the texts (summaries.ts):
   * kept for the tenants of the last `render` in one small file, so a render
   * in which most tenants are unchanged decodes no entry of theirs. Undefined
   * when the tenant's last summary is for another key or, for a tenant whose
   * templates read the tenant list, another list.
   */
  summary(tenant: string, key: string, tenantsDigest: () => string): ShapedSummary | undefined {
    if (!this.persistent) return undefined;
    const all = this.loadedSummaries();
    const s = all.stored.get(tenant);
    if (!s || s.key !== key || (s.tenantsDigest !== undefined && s.tenantsDigest !== tenantsDigest())) return undefined;
    if (!all.shapes.has(s.shape)) all.shapes.set(s.shape, parseShape(s.shape));
    const shape = all.shapes.get(s.shape);
    if (!shape) return undefined;
    all.used.add(tenant);
    return { tenant, shape, paths: pathsOf(tenant, shape), digest: s.digest, ...(s.tenantsDigest !== undefined ? { tenantsDigest: s.tenantsDigest } : {}) };
  }

  /** Whether a render kept summaries here: a run that finds them mostly places tenants from them, and its own thread has little to do. */
  holdsSummaries(): boolean {
    return this.persistent && existsSync(path.join(this.dir, SUMMARY_FOLDER, SUMMARY_FILE));
  }

  /** Records a tenant's summary at `key` for saveSummaries. */
  keepSummary(tenant: string, key: string, value: TenantSummary): void {
    if (!this.persistent) return;
    const all = this.loadedSummaries();
    const made = shapeOf(tenant, value.objects);
    if (made === undefined) return;
    // Tenants of one shape hold one string, as when read from the file.
    const shape = all.texts.get(made) ?? made;
    all.texts.set(shape, shape);
    const was = all.stored.get(tenant);
    if (!was || was.key !== key || was.digest !== value.digest || was.shape !== shape || was.tenantsDigest !== value.tenantsDigest) all.changed = true;
    all.stored.set(tenant, { key, digest: value.digest, shape, ...(value.tenantsDigest !== undefined ? { tenantsDigest: value.tenantsDigest } : {}) });
    all.used.add(tenant);
  }

  /** Writes the summaries of the tenants this run read or kept, when they differ from the file's. */
  saveSummaries(): void {
    const all = this.summaries;
    if (!all || this.problem !== undefined) return;
    if (!all.changed && all.used.size === all.stored.size) return;
    const keep = new Map([...all.stored].filter(([id]) => all.used.has(id)));
    this.write(path.join(this.dir, SUMMARY_FOLDER), SUMMARY_FILE, () => textFile(SUMMARY_MAGIC, encodeSummaries(keep)));
    all.stored = keep;
    all.changed = false;
  }

  private write(folder: string, name: string, pieces: () => readonly Uint8Array[]): void {
    if (this.problem !== undefined) return;
    try {
      writeCacheFile(folder, name, pieces());
    } catch (e) {
      this.cannotWrite(writeFailure(e));
    }
  }
}

/*
 * Entry: `MAGIC <checksum of the rest>\n<header JSON>\n<texts, back to back><JSON texts, back to back>`.
 * The header lists each object's fields, the lengths of its two strings, its text's digest and its head (ObjectHead, so stages index it unparsed), and
 * the texts' length in bytes, so the bulk is sliced, not JSON-decoded, and only
 * what a stage reads is parsed. The texts and the JSON are decoded into
 * strings of their own: the texts stay as long as the objects, the JSON only
 * until each object is parsed.
 */
type HeaderObject = [template: string, path: string, objectKey: string, platformOwned: 0 | 1, textLength: number, jsonLength: number, digest: string, head: StoredHead | 0];
interface Header {
  tenant: string;
  key: string;
  tenantsDigest?: string;
  objects: HeaderObject[];
  textBytes: number;
}

/** Whatever is wrong with an entry, it is only a miss: the stage runs again and the entry is rewritten. */
function decoded<T>(bytes: Buffer | undefined, decodeIt: (bytes: Buffer) => T): T | undefined {
  if (!bytes) return undefined;
  try {
    return decodeIt(bytes);
  } catch {
    return undefined;
  }
}

/** A file of one text for all tenants (summaries, findings packs), decoded; undefined when missing, damaged or not what `decodeText` accepts. */
function readFramed<T>(file: string, magic: string, decodeText: (text: string) => T | undefined): T | undefined {
  return framedText(readEntry(file), magic, decodeText);
}

/** A framed file's bytes decoded (readFramed), for a caller that needs the bytes too. */
function framedText<T>(bytes: Buffer | undefined, magic: string, decodeText: (text: string) => T | undefined): T | undefined {
  return decoded(bytes, (b) => {
    const body = unframe(b, magic);
    return body ? decodeText(body.toString('utf8')) : undefined;
  });
}

/** A text as the pieces of its framed file. */
const textFile = (magic: string, text: string): Uint8Array[] => framed(magic, [Buffer.from(text, 'utf8')]);

/** The file's bytes, or undefined when it cannot be read (a miss). */
function readEntry(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** An entry's texts, for entryFile to encode (here or on the writer thread). */
function entryTexts(tenant: string, key: string, value: CachedTenant): EntryTexts {
  const texts = value.objects.map((o) => o.text).join('');
  const header: Header = { tenant, key, ...(value.tenantsDigest ? { tenantsDigest: value.tenantsDigest } : {}), objects: value.objects.map((o) => [o.template, o.path, o.objectKey, o.platformOwned ? 1 : 0, o.text.length, o.json.length, textDigest(o), storedHead(o.head)]), textBytes: Buffer.byteLength(texts, 'utf8') };
  return [`${JSON.stringify(header)}\n`, texts, value.objects.map((o) => o.json).join('')];
}

/** An entry's header, and the bytes of its texts and of its JSON. */
interface Split {
  header: Header;
  texts: Buffer;
  jsons: Buffer;
}

/** The entry split (Split); undefined for a header that is not encode's for this tenant and key. */
function headerOf(body: Buffer, tenant: string, key: string): Split | undefined {
  const headerEnd = body.indexOf(10);
  if (headerEnd < 0) return undefined;
  const header = JSON.parse(body.toString('utf8', 0, headerEnd)) as Header;
  if (header.tenant !== tenant || header.key !== key || !Array.isArray(header.objects)) return undefined;
  if (header.tenantsDigest !== undefined && typeof header.tenantsDigest !== 'string') return undefined;
  const textsEnd = headerEnd + 1 + header.textBytes;
  if (!Number.isSafeInteger(header.textBytes) || header.textBytes < 0 || textsEnd > body.length) return undefined;
  return { header, texts: body.subarray(headerEnd + 1, textsEnd), jsons: body.subarray(textsEnd) };
}

/** Where an entry's texts and JSON start in the strings they were decoded into. */
interface At {
  text: number;
  json: number;
}

/**
 * The objects of an entry whose texts and JSON start at `at` in `texts` and
 * `jsons`, and where they end; undefined for anything encode did not write.
 * Each slice is checked against the entry's own byte lengths, so a batch of
 * entries decoded together is never cut in the wrong place.
 */
function objectsFrom({ header, ...bytes }: Split, texts: string, jsons: string, at: At): { value: CachedTenant; end: At } | undefined {
  const objects: CachedObject[] = [];
  let t = at.text;
  let j = at.json;
  for (const o of header.objects) {
    if (!Array.isArray(o) || o.length !== 8) return undefined;
    const [template, p, objectKey, platformOwned, textLength, jsonLength, digest, stored] = o;
    if (typeof template !== 'string' || typeof p !== 'string' || typeof objectKey !== 'string' || (platformOwned !== 0 && platformOwned !== 1) || typeof digest !== 'string') return undefined;
    if (!Number.isSafeInteger(textLength) || !Number.isSafeInteger(jsonLength) || textLength < 0 || jsonLength < 0 || t + textLength > texts.length || j + jsonLength > jsons.length) return undefined;
    const head = headFrom(stored);
    if (head === null) return undefined;
    objects.push({ template, path: p, objectKey, platformOwned: platformOwned === 1, text: texts.slice(t, t + textLength), json: jsons.slice(j, j + jsonLength), digest, ...(head ? { head } : {}) });
    t += textLength;
    j += jsonLength;
  }
  if (Buffer.byteLength(texts.slice(at.text, t)) !== bytes.texts.length || Buffer.byteLength(jsons.slice(at.json, j)) !== bytes.jsons.length) return undefined;
  return { value: { objects, ...(header.tenantsDigest ? { tenantsDigest: header.tenantsDigest } : {}) }, end: { text: t, json: j } };
}

/** The entry, or an exception for anything that is not exactly what encode wrote for this tenant and key. */
function decode(bytes: Buffer, tenant: string, key: string): CachedTenant | undefined {
  const body = unframe(bytes, MAGIC);
  const split = body && headerOf(body, tenant, key);
  return split && objectsFrom(split, split.texts.toString('utf8'), split.jsons.toString('utf8'), { text: 0, json: 0 })?.value;
}

/**
 * The stored findings of one kind: for each tenant, its entries newest first,
 * each JSON as stored, and whether this run read or put it (encodePack).
 */
export type PackEntries = Map<string, { key: string; json: string; used?: true }[]>;
export interface Pack {
  entries: PackEntries;
  /** Entries put since the pack and its log were read or written: what the next save appends (none: nothing to save). */
  puts: [tenant: string, key: string, json: string][];
  /** Bytes of the pack and of its log as read or written (0: none), to know when appending stops paying. */
  packBytes: number;
  logBytes: number;
}

/** Makes an entry the tenant's newest, keeping at most KEEP_PER_TENANT. */
function putEntry(entries: PackEntries, tenant: string, key: string, json: string, used = false): void {
  const was = entries.get(tenant) ?? [];
  entries.set(tenant, [{ key, json, ...(used ? { used } : {}) }, ...was.filter((e) => e.key !== key)].slice(0, KEEP_PER_TENANT));
}

/**
 * A pack as stored in its folder: the pack file, then its log's chunks in
 * order, each put again. A damaged pack counts as empty; the log is read up
 * to its first chunk that is not whole (a run that died while appending),
 * which is dropped with everything after it. Either only costs misses.
 */
export function readPack(folder: string): Pack {
  const packFile = readEntry(path.join(folder, PACK_FILE));
  const entries: PackEntries = framedText(packFile, FINDINGS_MAGIC, decodePack) ?? new Map();
  const log = readEntry(path.join(folder, LOG_FILE));
  let at = 0;
  while (log && at < log.length) {
    const lineEnd = log.indexOf(10, at);
    if (lineEnd < 0) break;
    const head = log.toString('utf8', at, lineEnd).split(' ');
    const length = Number(head[2]);
    const end = lineEnd + 1 + length;
    if (head.length !== 4 || `${head[0]} ${head[1]}` !== LOG_MAGIC || !Number.isSafeInteger(length) || end > log.length) break;
    const body = unframe(log.subarray(at, end), `${LOG_MAGIC} ${length}`);
    const puts = body && decoded(body, (b) => decodePack(b.toString('utf8')));
    if (!puts) break;
    for (const [tenant, list] of puts) for (const e of list) putEntry(entries, tenant, e.key, e.json);
    at = end;
  }
  // Past a torn chunk an appended one would never be read: the next save writes the pack whole.
  return { entries, puts: [], packBytes: packFile?.length ?? 0, logBytes: log && at < log.length ? Number.POSITIVE_INFINITY : at };
}

/** The lines of these puts, in order, as one framed chunk of a pack's log. */
function logChunk(puts: readonly (readonly [string, string, string])[]): Buffer {
  const body = Buffer.from(puts.map(([tenant, key, json]) => `${tenant}\t${key}\t${json}\n`).join(''), 'utf8');
  return frame(`${LOG_MAGIC} ${body.length}`, body);
}

/**
 * One line per entry, `tenant TAB key TAB JSON`, tenants sorted and each
 * tenant's entries newest first. Of a tenant this run read or put entries of,
 * only those: its others are of another build of the tool (whose identity is
 * part of every key, so they can never be read again) or of an earlier
 * version of the tenant. Without this, after an upgrade every tenant would
 * carry its last build's entries until its inputs next change, and every run
 * would read packs twice their size. A tenant the run did not look at
 * (another shard's) keeps all of its entries.
 */
function encodePack(entries: PackEntries): string {
  const lines: string[] = [];
  for (const tenant of [...entries.keys()].sort()) {
    const all = entries.get(tenant)!;
    const used = all.filter((e) => e.used);
    for (const e of used.length > 0 ? used : all) lines.push(`${tenant}\t${e.key}\t${e.json}\n`);
  }
  return lines.join('');
}

/** Undefined for anything encodePack did not write. */
function decodePack(text: string): PackEntries | undefined {
  const entries: PackEntries = new Map();
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    const tab1 = text.indexOf('\t', at);
    const tab2 = tab1 < 0 ? -1 : text.indexOf('\t', tab1 + 1);
    if (end < 0 || tab2 < 0 || tab2 > end) return undefined;
    pushTo(entries, text.slice(at, tab1), { key: text.slice(tab1 + 1, tab2), json: text.slice(tab2 + 1, end) });
    at = end + 1;
  }
  return entries;
}

/**
 * Whether JSON carries the value unchanged: strings without lone surrogates,
 * finite numbers, booleans, null, arrays and plain objects, and no undefined
 * anywhere (a field value from hostile YAML could be .inf, which JSON turns into null).
 */
function plainJson(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return !LONE_SURROGATE.test(v);
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'boolean':
      return true;
    case 'object':
      if (v === null) return true;
      if (Array.isArray(v)) return v.every((x, i) => i in v && plainJson(x));
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return false;
      return Object.entries(v).every(([k, x]) => !LONE_SURROGATE.test(k) && k !== '__proto__' && plainJson(x));
    default:
      return false;
  }
}

export { sha256 };
