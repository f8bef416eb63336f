import chisel3._
import chisel3.util._

class ValidReg8bit extends Module {
  val io = IO(new Bundle {
    val in = Valid(UInt(8.W))
    val out = Decoupled(UInt(8.W))
  })
  val reg = RegInit(0.U(8.W))
  when(io.in.valid) { reg := io.in.bits }
  io.out.bits := reg
}
