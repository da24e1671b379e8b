/** Compiling examples for the engine tests, without a device (portable target). */
import { compileModel, type CompileOptions, type CompiledModel } from "../../compiler/emit/compile.js";
import { checkExample } from "../compiler/helpers.js";

/** Compile one example file (its first trained model) for the portable target. */
export function compileExample(path: string, options: CompileOptions = {}): CompiledModel {
  const r = checkExample(path);
  const program = r.value.program!;
  return compileModel(program, r.value.checked!, path, options);
}
