import { randomInt } from "node:crypto";

/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-character
 * alphabet (digits and capital letters without I, O, S, V, Z). Layout: registration authority (1),
 * organisation category (1), administrative division (6 digits), organisation code (9, itself
 * carrying a GB 11714 check character), and a check character over the first 17.
 */
export const CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** Weight of position i (0-based) is 3^i mod 31. */
const WEIGHTS = Array.from({ length: 17 }, (_, i) => Number(3n ** BigInt(i) % 31n));

const SHAPE = /^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/;

/** The check character for the first 17 characters, or null when they use a foreign character. */
export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17[i]!);
    if (value < 0) return null;
    sum += value * WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Trims, removes inner spaces and upper-cases what a user typed. */
export function normaliseCreditCode(input: string): string {
  return input.replace(/\s+/g, "").toUpperCase();
}

/** True when `code` (already normalised) has the GB 32100 shape and a correct check character. */
export function isValidCreditCode(code: string): boolean {
  if (!SHAPE.test(code)) return false;
  return creditCodeCheckCharacter(code.slice(0, 17)) === code[17];
}

/** GB 11714 organisation-code check character over 8 characters (digits, or A=10 … Z=35). */
function organisationCodeCheck(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i]!, 36) * weights[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

/** Yunnan prefecture-level division codes, for realistic demo data. */
const YUNNAN_DIVISIONS = ["530100", "530400", "532300", "530300", "530500", "532500", "532900", "530700"];

/**
 * A valid code for factories and seed data: "91" (market regulator, company), a division code,
 * an "MA" organisation code with its own GB 11714 check, and the GB 32100 check character.
 */
export function generateCreditCode(options: { division?: string } = {}): string {
  const division = options.division ?? YUNNAN_DIVISIONS[randomInt(YUNNAN_DIVISIONS.length)]!;
  const bodyAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  let body = "MA";
  while (body.length < 8) body += bodyAlphabet[randomInt(bodyAlphabet.length)];
  const orgCheck = organisationCodeCheck(body);
  // The organisation check is 0-9 or X, all inside the GB 32100 alphabet.
  const first17 = `91${division}${body}${orgCheck}`;
  return first17 + creditCodeCheckCharacter(first17)!;
}
