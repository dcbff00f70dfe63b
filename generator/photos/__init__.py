"""Photos: which sizes each photo needs (gallery), probing and the store of made sizes (photocache), the Pillow
work itself (imaging) and the share cards' drawing (cardpaint)."""
