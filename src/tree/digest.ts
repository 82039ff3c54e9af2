import * as crypto from 'node:crypto';

const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'base64') => string }).hash;

/** SHA-256 of a file's bytes or of a text's UTF-8, in base64: how a background read and the render compare files. */
export const contentDigest: (data: string | Buffer) => string = oneShot ? (data) => oneShot('sha256', data, 'base64') : (data) => crypto.createHash('sha256').update(data).digest('base64');
