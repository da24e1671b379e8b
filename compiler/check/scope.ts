/** Named values visible at a point of a model: blocks open a fresh scope, repeats a nested one. */
import type { Span } from "../../grammar/ast.js";

export interface Binding {
  /** Node id, or -1 when the value's statement had errors. */
  readonly id: number;
  readonly span: Span;
}

export class Scope {
  private readonly names = new Map<string, Binding>();
  constructor(private readonly parent: Scope | undefined) {}
  lookup(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }
  /** The binding of `name` in this very scope, if any. */
  own(name: string): Binding | undefined {
    return this.names.get(name);
  }
  define(name: string, b: Binding): void {
    this.names.set(name, b);
  }
  /** Every visible name, for "did you mean". */
  visible(): string[] {
    return [...this.names.keys(), ...(this.parent?.visible() ?? [])];
  }
}
