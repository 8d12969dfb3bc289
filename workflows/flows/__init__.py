"""Viewflow circuits: who must act next, in parallel or in sequence. See workflows/circuits.py."""
