/** The WGSL activation table: literals, expressions, and softmax refused (no adapter needed). */
import { describe, expect, it } from "vitest";
import { activationDerivExpr, activationExpr, activationFunctions, derivNeedsOutput, dzFunction, wgslFloat } from "../../../compiler/wgsl/activation-fn.js";

describe("activation-fn", () => {
  it("writes f32 literals WGSL accepts", () => {
    expect([0, -0, 1, 0.01, -2.5, 1e-7, 3e21].map(wgslFloat)).toEqual(["0.0", "0.0", "1.0", "0.01", "-2.5", "1e-7", "3e+21"]);
    expect(() => wgslFloat(Number.NaN)).toThrow(/bug/);
  });

  it("gives each activation and its derivative from the output", () => {
    expect(activationExpr("relu", "z", 0)).toBe("max(z, 0.0)");
    expect(activationExpr("leaky_relu", "z", 0.2)).toBe("select(0.2 * z, z, z > 0.0)");
    expect(activationExpr("identity", "z", 0)).toBe("z");
    expect(activationDerivExpr("sigmoid", "y", 0)).toBe("y * (1.0 - y)");
    expect(activationDerivExpr("tanh", "y", 0)).toBe("1.0 - y * y");
    expect(activationDerivExpr("relu", "y", 0)).toBe("select(0.0, 1.0, y > 0.0)");
    expect(activationDerivExpr("leaky_relu", "y", 0.2)).toBe("select(0.2, 1.0, y > 0.0)");
    expect(activationDerivExpr("identity", "y", 0)).toBe("1.0");
    expect(derivNeedsOutput("identity")).toBe(false);
    expect(dzFunction("identity", 0)).not.toMatch(/\by\[/);
    expect(activationFunctions("tanh", 0)).toContain("fn act_tanh(z: f32) -> f32 { return tanh(clamp(z, -15.0, 15.0)); }");
  });

  it("refuses softmax, which lowering splits into its own op", () => {
    expect(() => activationExpr("softmax", "z", 0)).toThrow(/bug: softmax/);
    expect(() => activationDerivExpr("softmax", "y", 0)).toThrow(/bug: softmax/);
  });
});
