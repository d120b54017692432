"""無作為抽出 (sortition): invitations drawn from the register and a quota-meeting panel drawn from
the pool, both with a public seed."""
