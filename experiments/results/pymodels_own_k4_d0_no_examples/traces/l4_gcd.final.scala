import chisel3._
import chisel3.util._

class GcdUnit extends Module {
  val io = IO(new Bundle {
    val in = Decoupled(GcdOperands)
    val out = Decoupled(UInt(8.W))
  })

  val x = RegInit(0.U(8.W))
  val y = RegInit(0.U(8.W))
  val state = RegInit(0.U(2.W).asUInt)

  val waitBusy = RegInit(false.B)
  val waitDone = RegInit(false.B)

  when(state === 0.U) {
    when(io.in.valid && io.in.ready) {
      x := io.in.bits.a
      y := io.in.bits.b
      state := 1.U
      waitBusy := true.B
    }
  } else if(state === 1.U) {
    when(waitBusy && !io.in.ready) {
      waitBusy := false.B
    } else if(waitBusy && io.in.valid && io.in.ready) {
      if(y == 0.U) {
        state := 2.U
        waitDone := true.B
      } else if(x < y) {
        val temp = x
        x := y
        y := temp
      } else {
        x := x - y
      }
    }
  } else if(state === 2.U) {
    when(waitDone && !io.in.ready) {
      waitDone := false.B
    } else if(waitDone && io.in.valid && io.in.ready) {
      io.out.bits := x
      io.out.valid := true.B
      state := 0.U
      waitBusy := true.B
    }
  }
}
