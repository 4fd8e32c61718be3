// The generated SDK's nested types: `types.output.<Name>` (this package has no nested input types).
import type * as output from "./output";

export type { output };
