import chisel3._
import chisel3.util.Valid

class ValidReg8bit extends Module {
  val io = IO(new Bundle {
    val in = Flipped(Valid(UInt(8.W)))
    val out = Output(UInt(8.W))
  })

  val holdReg = RegInit(0.U(8.W))
  when(io.in.valid) {
    holdReg := io.in.bits
  }
  io.out := holdReg
}
