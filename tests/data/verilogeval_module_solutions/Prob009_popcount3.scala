import chisel3._
import chisel3.util._

// Combinational: a popcount of 3 bits, written as a Module (its clock and reset are tied off).
class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(3.W))
    val out = Output(UInt(2.W))
  })
  io.out := PopCount(io.in)
}
