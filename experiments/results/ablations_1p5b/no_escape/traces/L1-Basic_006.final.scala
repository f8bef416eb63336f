import chisel3._
import chisel3.util._

class WireZero extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })
  val zero = Wire(UInt(8.W))
  zero := 0.U
  io.out := zero
}
