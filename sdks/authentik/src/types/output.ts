// Nested output types, as the generated SDK names them (`types.output.<Name>`).

/** An element of `GetGroupResult.usersObjs` (Terraform `users_obj`). */
export interface GetGroupUsersObj {
  readonly attributes: string;
  readonly email: string;
  readonly isActive: boolean;
  readonly lastLogin: string;
  readonly name: string;
  readonly pk: number;
  readonly uid: string;
  readonly username: string;
}
