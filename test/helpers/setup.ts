// Pulumi's runtime captures a stack trace for every promise and resource it makes (to name leaked
// promises): the frames cost much of a mock run. Five keep a failed assertion's own line (vitest's
// and chai's frames come first).
Error.stackTraceLimit = 5;
