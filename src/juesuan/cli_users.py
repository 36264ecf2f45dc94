"""``juesuan user add`` / ``user list`` / ``token create``: the web workbench's accounts.

    echo "$PASSWORD" | juesuan user add 张三 --role reviewer --password-stdin
    juesuan user add 财政局 --role department --department 某市财政局 --password-stdin < pw.txt
    juesuan user list [--format json]
    juesuan token create 张三          # prints the token once (only its hash is stored)

Once any user exists the web app (``juesuan serve``) needs a login or a token for everything.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Optional

import typer

from .cli_lang import t
from .cli_output import fail
from .cli_store import DB_HELP, _open


class Role(str, Enum):
    admin = "admin"
    reviewer = "reviewer"
    department = "department"
    viewer = "viewer"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


user_app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    help=t("网页审核台的用户（角色：admin / reviewer / department / viewer）", "Users of the web workbench."),
)  # fmt: skip
token_app = typer.Typer(
    add_completion=False, no_args_is_help=True, help=t("用户的 API 令牌", "API tokens of users.")
)


def _read_password() -> str:
    data = sys.stdin.readline()
    password = data.rstrip("\r\n")
    if not password:
        raise fail(t("标准输入没有密码（--password-stdin 读第一行）", "no password on standard input (--password-stdin reads one line)"))
    return password


@user_app.command("add", help=t("新增用户", "Add a user."))
def user_add(
    name: str = typer.Argument(..., help=t("用户名", "user name")),
    role: Role = typer.Option(..., "--role", help=t("角色", "role")),
    department: Optional[str] = typer.Option(
        None, "--department", help=t("部门编号或全称（department 角色必填）", "department id or full name (role department)")
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help=t("从标准输入第一行读密码（至少 8 个字符）", "read the password from stdin's first line")
    ),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    password = _read_password() if password_stdin else None
    with _open(db) as st:
        try:
            user = st.add_user(name, role.value, password=password, department=department)
        except ValueError as exc:
            raise fail(str(exc)) from None
        st.log_action(None, "user_add", None, {"name": user.name, "role": user.role, "department": user.department})
    where = f"，部门 {user.department}（编号 {user.department_id}）" if user.department_id else ""
    typer.echo(t(f"已新增用户 {user.name}（{user.role_name}{where}）", f"added user {user.name} ({user.role})"))
    if not password:
        typer.echo(t("此用户没有密码，只能用令牌：juesuan token create " + user.name,
                     "no password: this user can only use a token (juesuan token create)"))  # fmt: skip


@user_app.command("list", help=t("列出用户", "List users."))
def user_list(
    format: ListFormat = typer.Option(ListFormat.table, "--format", help=t("输出格式", "output format")),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    with _open(db) as st:
        users = st.users()
    if format == ListFormat.json:
        typer.echo(json.dumps([u.to_dict() for u in users], ensure_ascii=False, indent=2))
        return
    if not users:
        typer.echo(t("还没有用户（网页为本机开放模式）", "no users yet (the web app is in open mode)"))
        return
    for u in users:
        dept = f"\t{u.department}" if u.department else ""
        typer.echo(f"{u.id}\t{u.name}\t{u.role}{dept}")


@token_app.command("create", help=t("为用户创建 API 令牌（只显示这一次）", "Create an API token (shown once)."))
def token_create(
    name: str = typer.Argument(..., help=t("用户名", "user name")),
    label: Optional[str] = typer.Option(None, "--label", help=t("备注", "label")),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    with _open(db) as st:
        user = st.user(name)
        if user is None:
            raise fail(t(f"没有用户 {name}", f"no user {name}"))
        token = st.create_token(user.id, label=label)
        st.log_action(None, "token_create", None, {"name": user.name, "label": label})
    typer.echo(token)


def register(app: typer.Typer) -> None:
    """Add ``user`` and ``token`` to the main ``juesuan`` app."""
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")


__all__ = ["register"]
