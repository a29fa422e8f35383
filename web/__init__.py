"""HTTP views of sinoeu-kg, registered as blueprints by server.create_app."""
