import { randomInt } from "node:crypto";

// No 0/O, 1/I/L: finance reads these off bank statements.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** The short code an organisation writes on its bank transfers, e.g. "JB7K2M9QX". */
export function generateReferenceCode(): string {
  let code = "JB";
  for (let i = 0; i < 7; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}
