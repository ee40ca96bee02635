"""Appeals service: the e-Reception (Law 393/96-ВР "On Citizens' Appeals")."""
