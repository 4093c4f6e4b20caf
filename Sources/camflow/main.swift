print("camflow")
