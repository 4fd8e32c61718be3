import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { masked, maskedText, SECRET_MASK } from "../../lib/artifacts";
import { valueOf } from "../helpers/pulumi";

describe("masked artifacts", () => {
  test("secret leaves become the mask, plain Outputs their values, the result is not secret", async () => {
    const document = {
      kind: "Secret",
      stringData: { token: pulumi.secret("canary-123") },
      namespace: pulumi.output("cert-manager"),
      list: [pulumi.secret({ nested: "x" }), 2],
    };
    const result = await valueOf(masked(document));
    expect(result).toEqual({
      value: { kind: "Secret", stringData: { token: SECRET_MASK }, namespace: "cert-manager", list: [SECRET_MASK, 2] },
      secret: false,
      known: true,
    });
    const text = await valueOf(maskedText(document, (d) => JSON.stringify(d)));
    expect(text.value).not.toContain("canary-123");
    expect(text.secret).toBe(false);
  });

  test("plain data (no Output or promise anywhere) comes back whole, unchanged and not secret; a promise inside is awaited", async () => {
    const plain = { kind: "ConfigMap", data: { a: "1", empty: "" }, list: [1, { b: [true, null] }] };
    expect(await valueOf(masked(plain))).toEqual({ value: plain, secret: false, known: true });
    const withPromise = { data: { late: Promise.resolve("x"), token: pulumi.secret("canary-9") } };
    expect((await valueOf(masked(withPromise))).value).toEqual({ data: { late: "x", token: SECRET_MASK } });
  });

  test("a promise of a secret, or of data holding one, is masked once it settles; the result is not secret", async () => {
    const document = {
      late: Promise.resolve(pulumi.secret("canary-late")),
      later: Promise.resolve({ token: pulumi.secret("canary-later"), plain: "p" }),
    };
    expect(await valueOf(masked(document))).toEqual({
      value: { late: SECRET_MASK, later: { token: SECRET_MASK, plain: "p" } },
      secret: false,
      known: true,
    });
    expect(await valueOf(masked(Promise.resolve(pulumi.secret("canary-top"))))).toEqual({
      value: SECRET_MASK,
      secret: false,
      known: true,
    });
  });

  test("an Output that lifted a secret is secret as a whole, so it is masked whole (keep secrets at the leaves)", async () => {
    const lifted = pulumi.output({ values: { clientSecret: pulumi.secret("s"), plain: 1 } });
    expect((await valueOf(masked({ release: lifted }))).value).toEqual({ release: SECRET_MASK });
  });
});
