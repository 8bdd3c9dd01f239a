import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { assert } from '../kernel/index.ts';

/**
 * Personal data (ID numbers, card numbers, phone numbers, names) at rest: AES-256-GCM with a random
 * nonce, and a keyed hash (HMAC-SHA256) for equality lookups, so that "find the user with this
 * phone" needs no decryption and a stolen table reveals neither. Both keys derive from one 32-byte
 * master key (NETFIN_DATA_KEY) by HKDF, each for its own purpose.
 */
export class Vault {
  private readonly encryptionKey: Buffer;
  private readonly lookupKey: Buffer;

  constructor(masterKey: Buffer) {
    assert(masterKey.length === 32, 'the data key must be 32 bytes');
    this.encryptionKey = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'netfin pii encryption v1', 32),
    );
    this.lookupKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'netfin pii lookup v1', 32));
  }

  /** "v1.<nonce>.<tag>.<ciphertext>", base64url parts. */
  encrypt(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      nonce.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  decrypt(sealed: string): string {
    const [version, nonce, tag, body] = sealed.split('.');
    assert(version === 'v1' && nonce && tag && body !== undefined, 'not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** A keyed hash for lookups: equal inputs give equal hashes; without the key, nothing can be guessed. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.lookupKey).update(value).digest('base64url');
  }
}

export function generateDataKey(): Buffer {
  return randomBytes(32);
}
