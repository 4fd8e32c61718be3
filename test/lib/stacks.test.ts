import { describe, expect, test } from "vitest";
import { parseStackName, referencedStack, siblingStack } from "../../lib/stacks";

describe("stack names", () => {
  test.each([
    ["talos", { program: "talos" }],
    ["platform-dev", { program: "platform", environment: "dev" }],
    ["platform-lab2-east", { program: "platform", environment: "lab2-east" }],
    ["Talos", undefined],
    ["talos_dev", undefined],
    ["talos-", undefined],
  ])("parseStackName(%s)", (name, expected) => expect(parseStackName(name)).toEqual(expected));

  test("a StackReference's stack is its last segment", () => {
    expect(referencedStack("org/homelab/talos-dev")).toBe("talos-dev");
    expect(referencedStack("talos")).toBe("talos");
  });

  test("the sibling of a stack runs another program in the same environment", () => {
    expect(siblingStack("platform", "talos")).toBe("talos");
    expect(siblingStack("platform-dev", "talos")).toBe("talos-dev");
  });
});
