import chisel3._
import chisel3.util.Reverse

class BitReverse extends Module {
  val io = IO(new Bundle {
    val in    = Input(UInt(8.W))
    val rev   = Output(UInt(8.W))
    val revNibbles = Output(UInt(8.W))
  })

  // Reverse the bit order of the input
  val rev = Reverse(io.in)

  // Reverse each nibble separately
  val nibble1 = Reverse(io.in(7, 4))
  val nibble2 = Reverse(io.in(3, 0))

  // Output the reversed bits
  io.rev := rev
  io.revNibbles := VecInit(nibble1, nibble2)
}
