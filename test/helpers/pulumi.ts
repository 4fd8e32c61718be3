// The tests use the library's own testing entry, as a downstream repo would.
export * from "../../testing";
