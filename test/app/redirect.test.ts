import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "#app/utils/redirect.ts";

/** Issue 11: `next` after login may only lead to a path on this site, whatever a browser would make of it. */
describe("safeRedirectPath", () => {
  it.each([
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\t\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /dashboard",
  ])("refuses %j", (value) => {
    expect(safeRedirectPath(value, "/dashboard")).toBe("/dashboard");
  });

  it("follows same-origin paths, encoded as the browser will send them", () => {
    expect(safeRedirectPath("/challenges?q=锂电池#top", "/dashboard")).toBe(
      "/challenges?q=%E9%94%82%E7%94%B5%E6%B1%A0#top",
    );
    expect(safeRedirectPath("/\u3000/evil.example", "/dashboard")).toBe("/%E3%80%80/evil.example");
    expect(safeRedirectPath("/\u0000/evil.example", "/dashboard")).toBe("/%00/evil.example");
    expect(safeRedirectPath("/wallet", "/dashboard")).toBe("/wallet");
  });

  it("never returns a value with a control character (a Location header with one is a 500)", () => {
    for (let code = 0; code < 0x20; code++) {
      const result = safeRedirectPath(`/a${String.fromCharCode(code)}b`, "/x");
      expect(result).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});
