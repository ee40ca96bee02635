"""The petitions domain: pure rules and the lifecycle, no I/O."""
