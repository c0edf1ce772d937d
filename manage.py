#!/usr/bin/env python
from safetrain.manage import main

if __name__ == "__main__":
    main()
