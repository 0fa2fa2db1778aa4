import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { en } from "../../app/i18n/en.ts";
import { isMessageKey, translator } from "../../app/i18n/index.ts";
import { zhCN } from "../../app/i18n/zh-CN.ts";

const root = path.resolve(__dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|tsx)$/.test(entry.name) ? [relative] : [];
  });
}

describe("translations", () => {
  it("has every message key the domain and the app use, in both languages", () => {
    const used = new Set<string>();
    for (const file of ["domain", "app", "search", "workers"].flatMap(sourceFiles)) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      for (const match of text.matchAll(/["'`]((?:errors|form)\.[A-Za-z0-9_.]+)["'`]/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((key) => !isMessageKey(key));
    expect(missing).toEqual([]);
  });

  it("uses the same placeholders in Chinese and English", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const mismatched = Object.keys(zhCN).filter(
      (key) => placeholders(zhCN[key as keyof typeof zhCN]).join() !== placeholders(en[key as keyof typeof en]).join(),
    );
    expect(mismatched).toEqual([]);
  });

  it("fills placeholders and shows an unknown key as itself", () => {
    expect(translator("zh-CN")("errors.passwordTooShort", { min: 10 })).toBe("密码至少需要 10 个字符。");
    expect(translator("en")("errors.rateLimited", { minutes: 15 })).toBe("Too many attempts. Try again in 15 minutes.");
    expect(translator("en")("no.such.key")).toBe("no.such.key");
  });
});
