"""The checks of the gate, one module per family; ``gate.registry`` lists and runs them."""
