import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256, sha256Bytes } from "../../compiler/emit/sha256.js";

// The compiler hashes sources without node:crypto so that it runs in a browser; node:crypto is the
// independent reference here.
const reference = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("sha256 without node:crypto", () => {
  it("matches the FIPS 180-4 test vectors", () => {
    expect(sha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  });

  it("matches node:crypto at every length around the block and padding boundaries", () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = new Uint8Array(randomBytes(n));
      expect(sha256Bytes(bytes), `length ${n}`).toBe(reference(bytes));
    }
    const big = new Uint8Array(randomBytes(100_003));
    expect(sha256Bytes(big)).toBe(reference(big));
  });

  it("hashes text as UTF-8, as `dnnc eval` does when it compares a file with its run", () => {
    const text = "model M {\n  input image 1×28×28  # → 1×28×28, η = 0.1 🙂\n}\n";
    expect(sha256(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
  });
});
