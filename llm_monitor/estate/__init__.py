"""Many accounts and Regions watched from one monitoring account (CloudWatch cross-account observability).

Pure: no Pulumi imports. ``oam`` (the sink policy and a source's link), ``central`` (what a
monitoring stack builds from its sources), ``overview`` (the estate's overview pages).
"""
