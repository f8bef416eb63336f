import chisel3._
import chisel3.util._

class ValidReg8bit extends Module {
  val io = IO(new Bundle {
    val in    = Valid(UInt(8.W))
    val out   = Output(UInt(8.W))
  })
  io.out := io.in.bits
}
