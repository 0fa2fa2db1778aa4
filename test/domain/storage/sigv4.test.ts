import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, signRequest, uriEncode } from "#domain/storage/sigv4.ts";

describe("AWS Signature Version 4", () => {
  it("matches AWS's published example (GET Object with a Range header)", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object".
    const headers = signRequest({
      method: "GET",
      url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
      headers: { Range: "bytes=0-9" },
      payloadSha256: EMPTY_SHA256,
      credentials: {
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
      },
      now: new Date("2013-05-24T00:00:00Z"),
    });
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    expect(headers["x-amz-date"]).toBe("20130524T000000Z");
  });

  it("encodes paths as S3 wants (UTF-8 percent-encoding, slashes kept)", () => {
    expect(uriEncode("a b/评审.pdf", true)).toBe("a%20b/%E8%AF%84%E5%AE%A1.pdf");
    expect(uriEncode("a/b", false)).toBe("a%2Fb");
  });
});
