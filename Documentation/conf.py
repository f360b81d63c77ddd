# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of lpc's Documentation/, built by 'make docs'
# (Documentation/sphinx/build.sh) with Debian's python3-sphinx and the
# kernel-doc script and Sphinx extension of linux-source-6.1, whose
# locations build.sh passes in the environment.
import os
import sys

sys.path.insert(0, os.environ['LPC_KERNEL_SPHINX'])

project = 'lpc'
author = 'The lpc authors'
copyright = '2026, The lpc authors'

extensions = ['kerneldoc']
kerneldoc_bin = os.environ['LPC_KERNEL_DOC']
# '.. kernel-doc:: uapi/linux/lpc.h' names files from the top of the tree.
kerneldoc_srctree = os.environ['LPC_SRCTREE']
kerneldoc_verbosity = 1

master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = ['sphinx', 'ABI']
primary_domain = 'c'
highlight_language = 'none'
# The attributes kernel-doc leaves in the prototypes it documents.
c_id_attributes = ['__user', '__must_check', '__always_inline', 'noinline',
                   '__init', '__exit', '__cold', 'notrace']
c_paren_attributes = ['__aligned', '__printf']

html_theme = 'alabaster'
html_title = 'lpc documentation'
html_show_sourcelink = False
