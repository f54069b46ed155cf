"""The case domain: cases, the timeline of notes and call events, the safety gate,
exhibits, the MG11's read-back and readiness, and the inputs of the case's documents.
Everything here reads and writes through the vault."""
