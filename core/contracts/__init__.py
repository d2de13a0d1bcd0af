"""Every message that crosses a process boundary, one module per boundary (named for who speaks
it). Import from the module: `from core.contracts.conversation import Turn`."""
