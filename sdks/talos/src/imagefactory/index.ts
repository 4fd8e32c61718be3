export * from "./schematic";
