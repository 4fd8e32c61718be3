import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { dependsOnOf } from "../../components/kubernetes-parts";
import { register } from "../helpers/pulumi";

class Thing extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Thing", name, {});
  }
}

describe("dependsOnOf", () => {
  test("hands a component's dependsOn to a child, whatever form it was given in", async () => {
    const r = await register(() => {
      const a = new Thing("a");
      const b = new Thing("b");
      const child = (name: string, opts?: pulumi.ComponentResourceOptions) => {
        const parent = new pulumi.ComponentResource("test:index:Parent", name, {}, opts);
        new pulumi.ComponentResource("test:index:Child", `${name}-child`, {}, { parent, dependsOn: dependsOnOf(opts) });
      };
      child("none");
      child("single", { dependsOn: a });
      child("list", { dependsOn: [a, b] });
      child("output", { dependsOn: pulumi.output([a, b]) });
    });
    expect(r.names(r.get("none-child").dependencies)).toEqual([]);
    expect(r.names(r.get("single-child").dependencies)).toEqual(["a"]);
    expect(r.names(r.get("list-child").dependencies)).toEqual(["a", "b"]);
    expect(r.names(r.get("output-child").dependencies)).toEqual(["a", "b"]);
  });
});
