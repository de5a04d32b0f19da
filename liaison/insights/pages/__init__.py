"""The insights pages: the network drawn, compared and turned into actions. One module per
page; `common` holds what they share (who may look, the filter bar, CSV downloads)."""
