import chisel3._
import chisel3.util.Reverse

class BitReverse extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(8.W))
    val rev = Output(UInt(8.W))
    val revNibbles = Output(UInt(8.W))
  })

  io.rev := Reverse(io.in)
  io.revNibbles := Reverse(io.in)
}
