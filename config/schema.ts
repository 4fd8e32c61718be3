import { z } from "zod";
import { stackFileShapes } from "./fields";
import { CONFIG_NAMESPACE } from "./loader";

/**
 * The JSON Schema of a stack file (`Pulumi.<stack>.yaml`) for one program, from its zod sections:
 * field descriptions, defaults, formats, and how a stack file may also write a field (a secret as
 * `{secure: ...}`, string shorthands). Editors use it through `yaml-language-server`; Pulumi's own
 * keys and other namespaces' keys (providers) are allowed, unknown `homelab:` keys are not.
 */
export function stackFileSchema(program: string, sections: Record<string, z.ZodType>, namespace = CONFIG_NAMESPACE): object {
  const schema = z.toJSONSchema(z.strictObject(sections), {
    io: "input",
    unrepresentable: "any",
    override: (ctx) => {
      const shape = stackFileShapes.get(ctx.zodSchema);
      if (!shape) return;
      if (shape.refined) Object.assign(ctx.jsonSchema, shape.refined);
      if (!shape.secret && !shape.shorthand) return;
      const own = { ...ctx.jsonSchema };
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
      const secure = {
        type: "object",
        description: "An encrypted value, as `pulumi config set --secret` writes it.",
        properties: { secure: { type: "string" } },
        required: ["secure"],
        additionalProperties: false,
      };
      Object.assign(ctx.jsonSchema, { anyOf: shape.secret ? [own, secure] : [shape.shorthand, own] });
    },
  }) as { properties: Record<string, unknown>; required?: string[]; $defs?: Record<string, unknown> };
  const keys = Object.keys(schema.properties);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: `Pulumi.<stack>.yaml of the ${program} program`,
    description: `Generated from config/${program}.ts by \`npm run schemas\`; do not edit.`,
    type: "object",
    properties: {
      config: {
        type: "object",
        properties: Object.fromEntries(keys.map((k) => [`${namespace}:${k}`, schema.properties[k]])),
        required: (schema.required ?? []).map((k) => `${namespace}:${k}`),
        // Other namespaces (provider settings such as proxmoxve:, kubernetes:) are Pulumi's business.
        propertyNames: { anyOf: [{ enum: keys.map((k) => `${namespace}:${k}`) }, { not: { pattern: `^${namespace}:` } }] },
      },
      encryptionsalt: { type: "string" },
      secretsprovider: { type: "string" },
      encryptedkey: { type: "string" },
    },
    ...(schema.$defs ? { $defs: schema.$defs } : {}),
  };
}
