import * as pulumi from "@pulumi/pulumi";
import { invoke, invokeOutput } from "./utilities";

const TOKEN = "authentik:index/getRbacPermission:getRbacPermission";
const ARGS = ["codename", "id"] as const;

/** Looks up a permission by codename. Terraform data source `authentik_rbac_permission`, invoke token `authentik:index/getRbacPermission:getRbacPermission`. */
export function getRbacPermission(args: GetRbacPermissionArgs, opts?: pulumi.InvokeOptions): Promise<GetRbacPermissionResult> {
  return invoke(TOKEN, ARGS, args, opts);
}

/** {@link getRbacPermission} over Inputs, as an Output. */
export function getRbacPermissionOutput(
  args: GetRbacPermissionOutputArgs,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetRbacPermissionResult> {
  return invokeOutput(TOKEN, ARGS, args, opts);
}

/** The arguments of {@link getRbacPermission}. */
export interface GetRbacPermissionArgs {
  /** `codename` (required). */
  codename: string;
  /** The ID to look up. */
  id?: string;
}

/** The arguments of {@link getRbacPermissionOutput}. */
export interface GetRbacPermissionOutputArgs {
  /** `codename` (required). */
  codename: pulumi.Input<string>;
  /** The ID to look up. */
  id?: pulumi.Input<string | undefined>;
}

/** What {@link getRbacPermission} returns. */
export interface GetRbacPermissionResult {
  /** `app`; computed by authentik. */
  readonly app: string;
  /** `codename` (required). */
  readonly codename: string;
  /** `id`. */
  readonly id: string;
  /** `model`; computed by authentik. */
  readonly model: string;
}
