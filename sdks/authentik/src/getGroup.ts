import * as pulumi from "@pulumi/pulumi";
import type * as outputs from "./types/output";
import { invoke, invokeOutput } from "./utilities";

const TOKEN = "authentik:index/getGroup:getGroup";
const ARGS = ["id", "includeUsers", "name", "pk"] as const;

/** Looks up a group by name or primary key. Terraform data source `authentik_group`, invoke token `authentik:index/getGroup:getGroup`. */
export function getGroup(args?: GetGroupArgs, opts?: pulumi.InvokeOptions): Promise<GetGroupResult> {
  return invoke(TOKEN, ARGS, args, opts);
}

/** {@link getGroup} over Inputs, as an Output. */
export function getGroupOutput(args?: GetGroupOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetGroupResult> {
  return invokeOutput(TOKEN, ARGS, args, opts);
}

/** The arguments of {@link getGroup}. */
export interface GetGroupArgs {
  /** The ID to look up. */
  id?: string;
  /** `include_users`; defaults to `true`. */
  includeUsers?: boolean;
  /** `name`. */
  name?: string;
  /** `pk`. */
  pk?: string;
}

/** The arguments of {@link getGroupOutput}. */
export interface GetGroupOutputArgs {
  /** The ID to look up. */
  id?: pulumi.Input<string | undefined>;
  /** `include_users`; defaults to `true`. */
  includeUsers?: pulumi.Input<boolean | undefined>;
  /** `name`. */
  name?: pulumi.Input<string | undefined>;
  /** `pk`. */
  pk?: pulumi.Input<string | undefined>;
}

/** What {@link getGroup} returns. */
export interface GetGroupResult {
  /** `attributes`; computed by authentik. */
  readonly attributes: string;
  /** `id`. */
  readonly id: string;
  /** `include_users`; defaults to `true`. */
  readonly includeUsers?: boolean;
  /** `is_superuser`; computed by authentik. */
  readonly isSuperuser: boolean;
  /** `name`. */
  readonly name?: string;
  /** `num_pk`; computed by authentik. */
  readonly numPk: number;
  /** `parent_name`; computed by authentik. */
  readonly parentName: string;
  /** `parents`; computed by authentik. */
  readonly parents: string[];
  /** `pk`. */
  readonly pk?: string;
  /** `users`; computed by authentik. */
  readonly users: number[];
  /** `users_obj`; computed by authentik. */
  readonly usersObjs: outputs.GetGroupUsersObj[];
}
