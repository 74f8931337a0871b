/**
 * The key for customer identifiers at rest, a branch's (`<data-dir>/branch.key`) or head office's
 * (the file `HEAD_OFFICE_DATA_KEY` names). A stolen `branch.db`, customer snapshot or head-office
 * database must not give away who the customers are, so a phone number, a bank card number and a resident
 * ID are never stored as they are:
 * - a keyed hash (HMAC-SHA-256) for lookup: the kiosk's "who is this?" finds the row by it;
 * - a sealed copy (AES-256-GCM, random 96-bit nonce) for the audited reveal and the teller's
 *   pre-filled form;
 * - the masked form (`138****0001`) the screens show, which gives nothing away.
 *
 * The key lives outside the database: at a branch in `<data-dir>/branch.key` (mode 0600, created by
 * `setup`, the first start, or the migration that converts an older database). Losing it loses the sealed
 * copies and the lookups; back it up with the data directory, apart from it (docs/SETUP.md).
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeIdentityValue, type IdentityKind } from '../domain/identity';

const HEADER = 'branch-lobby-key v1';
const NONCE = 12;
const TAG = 16;

export class IdentifierKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentifierKeyError';
  }
}

export class IdentifierKey {
  private readonly macKey: KeyObject;
  private readonly sealKey: Buffer;

  private constructor(private readonly master: Buffer) {
    // Two independent keys from one secret: one for lookups, one for sealing.
    this.macKey = createSecretKey(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'branch-lobby lookup', 32)));
    this.sealKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'branch-lobby seal', 32));
  }

  /** The secret, for the import's worker thread only (never written anywhere). */
  secretForWorker(): Buffer {
    return Buffer.from(this.master);
  }

  /** The key from its secret (the import's worker thread). */
  static fromSecret(secret: Buffer): IdentifierKey {
    if (secret.length !== 32) throw new IdentifierKeyError('an identifier key secret is 32 bytes');
    return new IdentifierKey(secret);
  }

  /** `<dataDir>/branch.key` */
  static fileIn(dataDir: string): string {
    return join(dataDir, 'branch.key');
  }

  /** Reads the data directory's key; refuses a missing file or one that others may read. */
  static load(dataDir: string): IdentifierKey {
    return IdentifierKey.loadFile(IdentifierKey.fileIn(dataDir));
  }

  /** Reads a key file; refuses a missing file or one that others may read. */
  static loadFile(file: string): IdentifierKey {
    if (!existsSync(file)) throw new IdentifierKeyError(`${file} is missing: customer identifiers cannot be read without it (restore it from its backup)`);
    if (process.platform !== 'win32') {
      const mode = statSync(file).mode & 0o777;
      if (mode & 0o077) throw new IdentifierKeyError(`${file} is readable by others (mode ${mode.toString(8)}): run chmod 600 ${file}`);
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const master = lines[0] === HEADER && lines[1] ? Buffer.from(lines[1].trim(), 'base64') : Buffer.alloc(0);
    if (master.length !== 32) throw new IdentifierKeyError(`${file} is not a Branch Lobby key file`);
    return new IdentifierKey(master);
  }

  /** The data directory's key, created (32 random bytes, mode 0600) when there is none yet. */
  static loadOrCreate(dataDir: string): IdentifierKey {
    return IdentifierKey.loadOrCreateFile(IdentifierKey.fileIn(dataDir));
  }

  /** The key in `file`, created (32 random bytes, mode 0600) when there is none yet. */
  static loadOrCreateFile(file: string): IdentifierKey {
    if (!existsSync(file)) {
      try {
        writeFileSync(file, `${HEADER}\n${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
        chmodSync(file, 0o600);
      } catch (err) {
        // Another process (the hub and an import starting together) created it first: use theirs.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    return IdentifierKey.loadFile(file);
  }

  /** A key for tests and benches only (never written anywhere). */
  static forTests(seed = 'test'): IdentifierKey {
    return new IdentifierKey(createHmac('sha256', 'branch-lobby test key').update(seed).digest());
  }

  /** The lookup hash of an identifier (normalized first: spaces and dashes dropped, X upper-cased). */
  lookup(kind: IdentityKind, value: string): Buffer {
    return createHmac('sha256', this.macKey).update(`${kind}\0${normalizeIdentityValue(kind, value)}`).digest();
  }

  /** Random nonces, drawn from the CSPRNG a few thousand at a time (one call per nonce is slow). */
  private pool = Buffer.alloc(0);
  private poolAt = 0;
  private nonce(): Buffer {
    if (this.poolAt + NONCE > this.pool.length) {
      this.pool = randomBytes(NONCE * 4096);
      this.poolAt = 0;
    }
    const n = this.pool.subarray(this.poolAt, this.poolAt + NONCE);
    this.poolAt += NONCE;
    return n;
  }

  /** The sealed copy: nonce ‖ tag ‖ ciphertext (a fresh random nonce each time). */
  seal(plain: string): Buffer {
    const nonce = this.nonce();
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]);
  }

  /** The identifier from its sealed copy; throws when the copy was altered or sealed with another key. */
  open(sealed: Uint8Array): string {
    const buf = Buffer.from(sealed);
    if (buf.length < NONCE + TAG) throw new IdentifierKeyError('sealed value is too short');
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, buf.subarray(0, NONCE));
    decipher.setAuthTag(buf.subarray(NONCE, NONCE + TAG));
    return Buffer.concat([decipher.update(buf.subarray(NONCE + TAG)), decipher.final()]).toString('utf8');
  }
}
