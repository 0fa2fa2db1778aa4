import { describe, expect, it } from "vitest";
import { isAppError } from "#domain/errors.ts";
import {
  assertPasswordPolicy,
  hashPassword,
  passwordPolicyError,
  verifyAgainstDummy,
  verifyPassword,
} from "#domain/identity/passwords.ts";

describe("passwords", () => {
  it("hashes with argon2id and verifies", async () => {
    const hash = await hashPassword("正确的马电池订书钉");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(hash).toContain("m=19456,t=2,p=1");
    expect(await verifyPassword(hash, "正确的马电池订书钉")).toBe(true);
    expect(await verifyPassword(hash, "正确的马电池订书")).toBe(false);
    expect(await verifyPassword("not-a-hash", "x")).toBe(false);
    expect(await verifyAgainstDummy("anything at all")).toBe(false);
  });

  it("applies the policy with clear keys", () => {
    expect(passwordPolicyError("short")).toBe("errors.passwordTooShort");
    expect(passwordPolicyError("aaaaaaaaaaaa")).toBe("errors.passwordTooSimple");
    expect(passwordPolicyError("x".repeat(201))).toBe("errors.passwordTooLong");
    expect(passwordPolicyError("li.wei@example.cn", { email: "Li.Wei@example.cn" })).toBe("errors.passwordIsEmail");
    expect(passwordPolicyError("高新区揭榜挂帅2026")).toBeNull();
    try {
      assertPasswordPolicy("short", { field: "newPassword" });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.fieldErrors).toEqual({ newPassword: "errors.passwordTooShort" });
    }
  });
});
