"""The region register (行政区划): each administrative code's name, so pages and reports show 舒兰市 beside 220283."""
