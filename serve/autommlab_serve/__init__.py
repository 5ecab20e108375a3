"""Ray Serve applications (RU / HPO endpoints, gateway). Not built yet: see the issues."""
