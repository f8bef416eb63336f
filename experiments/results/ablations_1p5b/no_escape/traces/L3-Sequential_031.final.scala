import chisel3._
import chisel3.util._

class ShiftReg8stage(in: Bool, n: Int, resetData: UInt = 0.U(1.W), en: Bool = true) extends Module {
  val io = IO(new Bundle {
    val in    = Input(in)
    val out   = Output(UInt(n.W))
  })
  val reg = RegInit(resetData)
  when(en) {
    reg := Cat(reg(6, 0), io.in)
  }
  io.out := reg(n - 1, 0)
}
