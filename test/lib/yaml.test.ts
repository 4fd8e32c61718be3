import { describe, expect, test } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { toKubernetesYaml, toYaml, toYamlDocuments } from "../../lib/yaml";

describe("toYaml", () => {
  test("keeps key order, quotes what YAML 1.2 would misread, never folds long strings", () => {
    const long = `mac(link.permanent_addr) == "${"a".repeat(120)}"`;
    const text = toYaml({ b: 1, a: ["!10.0.0.10/32", "true", "1"], match: long });
    expect(text).toBe(`b: 1\na:\n  - "!10.0.0.10/32"\n  - "true"\n  - "1"\nmatch: ${long}\n`);
  });

  test("writes repeated objects out instead of aliasing them", () => {
    const shared = { name: "x" };
    expect(toYaml({ one: shared, two: shared })).toBe("one:\n  name: x\ntwo:\n  name: x\n");
  });
});

describe("toYamlDocuments", () => {
  test("joins documents with --- and reads back as the same documents", () => {
    const docs = [
      { machine: { install: { disk: "/dev/sda" } } },
      { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off" },
    ];
    const text = toYamlDocuments(docs);
    expect(text).toBe("machine:\n  install:\n    disk: /dev/sda\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: off\n");
    expect(parseAllDocuments(text).map((d) => d.toJS())).toEqual(docs);
  });
});

describe("toKubernetesYaml", () => {
  test("quotes strings a YAML 1.1 reader (Kubernetes, Helm) would read as booleans, octal or sexagesimal numbers", () => {
    const text = toKubernetesYaml({ a: "yes", b: "on", c: "0644", d: "12:30", e: "off", f: true, g: 7445, h: "plain" });
    expect(text).toBe('a: "yes"\nb: "on"\nc: "0644"\nd: "12:30"\ne: "off"\nf: true\ng: 7445\nh: plain\n');
    expect(parse(text, { version: "1.1" })).toEqual({
      a: "yes",
      b: "on",
      c: "0644",
      d: "12:30",
      e: "off",
      f: true,
      g: 7445,
      h: "plain",
    });
  });
});
